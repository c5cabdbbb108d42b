import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';

export interface ToastMessage {
  readonly text: string;
  /** Offered as a button (e.g. Undo) until the toast goes. */
  readonly action?: { readonly label: string; readonly run: () => void };
  /** How long it stays (default 6 s): an Undo lasts as long as the core keeps its offer. */
  readonly durationMs?: number;
  /**
   * What the toast is about ('strategy-deleted:ID'): `useDismissToast()(key)` takes it away
   * once that no longer holds, however it was undone (Ctrl+Z, the Deleted list).
   */
  readonly key?: string;
}

interface Toasts {
  readonly show: (toast: ToastMessage) => void;
  readonly dismiss: (key: string) => void;
}

const ToastContext = createContext<Toasts>({ show: () => undefined, dismiss: () => undefined });

/** Returns the function that shows a toast (one at a time; a new one replaces the old). */
export function useToast(): (toast: ToastMessage) => void {
  return useContext(ToastContext).show;
}

/** Returns the function that takes away the toast shown with this key, if it is still up. */
export function useDismissToast(): (key: string) => void {
  return useContext(ToastContext).dismiss;
}

/** Holds the current toast; it leaves after its duration (6 s by default), when its action runs, or when dismissed by its key. */
export function ToastProvider({ children }: { children: ReactNode }) {
  const [toast, setToast] = useState<ToastMessage | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const show = useCallback((next: ToastMessage) => {
    clearTimeout(timer.current);
    setToast(next);
    timer.current = setTimeout(() => setToast(null), next.durationMs ?? 6_000);
  }, []);
  const dismiss = useCallback((key: string) => setToast((current) => (current?.key === key ? null : current)), []);
  const toasts = useMemo(() => ({ show, dismiss }), [show, dismiss]);
  useEffect(() => () => clearTimeout(timer.current), []);
  return (
    <ToastContext.Provider value={toasts}>
      {children}
      {toast && (
        <div className="toast" role="status" data-testid="toast">
          <span>{toast.text}</span>
          {toast.action && (
            <button
              className="primary"
              data-testid="toast-action"
              onClick={() => {
                toast.action?.run();
                setToast(null);
              }}
            >
              {toast.action.label}
            </button>
          )}
        </div>
      )}
    </ToastContext.Provider>
  );
}
