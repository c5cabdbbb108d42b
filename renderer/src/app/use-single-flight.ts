import { useCallback, useRef, useState, type MouseEvent } from 'react';

export interface SingleFlight {
  /** True while an action runs: disable the buttons that start one. */
  readonly pending: boolean;
  /** Runs `action` unless one is already running (then drops the call and resolves at once). */
  readonly run: (action: () => Promise<void>) => Promise<void>;
}

/**
 * One action at a time for a group of buttons and shortcuts that start work on the server.
 * A double click or a repeated key press lands before React has re-rendered the button
 * disabled, so the guard is a ref; `pending` is the state that disables the buttons.
 */
export function useSingleFlight(): SingleFlight {
  const running = useRef(false);
  const [pending, setPending] = useState(false);
  const run = useCallback(async (action: () => Promise<void>): Promise<void> => {
    if (running.current) return;
    running.current = true;
    setPending(true);
    try {
      await action();
    } finally {
      running.current = false;
      setPending(false);
    }
  }, []);
  return { pending, run };
}

/**
 * A click handler that ignores the second click of a double click (event.detail 2): a
 * local server answers in a few ms, so by then the first action is done and the in-flight
 * guard would let a second one start. Keyboard activation (detail 0) goes through.
 */
export function onSingleClick(action: () => unknown): (event: MouseEvent) => void {
  return (event) => {
    if (event.detail > 1) return;
    void action();
  };
}
