import type * as Electron from 'electron';
import type { DialogHandlers } from '../../../core/application/contract/dialog.js';
import type { MainContext } from './context.js';

const CSV_FILTERS = [
  { name: 'CSV files', extensions: ['csv', 'txt'] },
  { name: 'All files', extensions: ['*'] },
];

/** Native open/save dialogs, parented to the main window. */
export function dialogHandlers(context: MainContext): DialogHandlers {
  const { dialog } = context.electron;
  return {
    'dialog/openFile': async (args) => {
      const options: Electron.OpenDialogOptions = {
        title: args?.title ?? 'Choose a file',
        properties: args?.multiple ? ['openFile', 'multiSelections'] : ['openFile'],
        filters: args?.filters ?? CSV_FILTERS,
      };
      const result = context.mainWindow ? await dialog.showOpenDialog(context.mainWindow, options) : await dialog.showOpenDialog(options);
      const paths = result.canceled ? [] : result.filePaths;
      return { path: paths[0] ?? null, paths };
    },
    'dialog/saveFile': async (args) => {
      const options: Electron.SaveDialogOptions = {
        title: args?.title ?? 'Save as',
        filters: args?.filters ?? CSV_FILTERS,
        ...(args?.defaultName === undefined ? {} : { defaultPath: args.defaultName }),
      };
      const result = context.mainWindow ? await dialog.showSaveDialog(context.mainWindow, options) : await dialog.showSaveDialog(options);
      return { path: result.canceled || !result.filePath ? null : result.filePath };
    },
  };
}
