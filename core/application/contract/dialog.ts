import { z } from 'zod';

const filtersSchema = z
  .array(z.strictObject({ name: z.string().min(1).max(60), extensions: z.array(z.string().regex(/^[A-Za-z0-9*]{1,10}$/)).max(10) }))
  .max(10);

export const dialogSchemas = {
  'dialog/openFile': z.union([
    z.undefined(),
    /** `multiple`: the user may pick several files (a folder of archives); `paths` lists them. */
    z.strictObject({ title: z.string().max(200).optional(), filters: filtersSchema.optional(), multiple: z.boolean().optional() }),
  ]),
  'dialog/saveFile': z.union([
    z.undefined(),
    z.strictObject({ title: z.string().max(200).optional(), defaultName: z.string().max(255).optional(), filters: filtersSchema.optional() }),
  ]),
} as const;

export type OpenFileArgs = z.infer<(typeof dialogSchemas)['dialog/openFile']>;
export type SaveFileArgs = z.infer<(typeof dialogSchemas)['dialog/saveFile']>;

/**
 * Native file dialogs: registered only by the Electron shell (web mode uploads instead;
 * `system/info`.transport tells the UI which it has). The answer is a path the main
 * process can pass on to `data/import` / `data/export`, or null when cancelled.
 */
export interface DialogHandlers {
  /** `path` is the first file picked (null when cancelled), `paths` every file picked. */
  'dialog/openFile': (args?: OpenFileArgs) => Promise<{ path: string | null; paths: string[] }>;
  'dialog/saveFile': (args?: SaveFileArgs) => Promise<{ path: string | null }>;
}
