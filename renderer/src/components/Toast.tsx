import { createContext, useCallback, useContext, useEffect, useRef, useState, type ReactNode } from 'react';

export interface ToastMessage {
  readonly text: string;
  /** Offered as a button (e.g. Undo) until the toast goes. */
  readonly action?: { readonly label: string; readonly run: () => void };
  /** How long it stays (default 6 s): an Undo lasts as long as the core keeps its offer. */
  readonly durationMs?: number;
}

const ToastContext = createContext<(toast: ToastMessage) => void>(() => undefined);

/** Returns the function that shows a toast (one at a time; a new one replaces the old). */
export function useToast(): (toast: ToastMessage) => void {
  return useContext(ToastContext);
}

/** Holds the current toast; it leaves after its duration (6 s by default), or when its action runs. */
export function ToastProvider({ children }: { children: ReactNode }) {
  const [toast, setToast] = useState<ToastMessage | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const show = useCallback((next: ToastMessage) => {
    clearTimeout(timer.current);
    setToast(next);
    timer.current = setTimeout(() => setToast(null), next.durationMs ?? 6_000);
  }, []);
  useEffect(() => () => clearTimeout(timer.current), []);
  return (
    <ToastContext.Provider value={show}>
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
