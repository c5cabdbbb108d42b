import type { ReactNode } from 'react';

/** A clear "nothing here yet" with the action that fixes it. */
export function EmptyState({ title, children, testId }: { title: string; children?: ReactNode; testId?: string }) {
  return (
    <div className="empty" data-testid={testId}>
      <div style={{ fontSize: 15, marginBottom: 6 }}>{title}</div>
      {children}
    </div>
  );
}
