import { Component, type ReactNode } from 'react';

interface Props {
  /** The route: a change clears the error when the user moves on. */
  readonly resetKey: string;
  readonly children: ReactNode;
}

interface State {
  readonly error: Error | null;
  /** The resetKey the error belongs to. */
  readonly key: string;
}

/** A lazy screen's code that would not load: the app updated under an open page, or the server was away. React remembers the failed load, so only a reload retries it. */
function isChunkLoadError(error: Error): boolean {
  return /dynamically imported module|Importing a module script failed|error loading dynamically imported module/i.test(error.message);
}

/**
 * Keeps one screen's failure (its code would not load, or it threw while rendering) on that
 * screen: the top bar stays, the other screens still open, and the message says what to do.
 * Without it React unmounted the whole app and left a white page.
 */
export class ScreenErrorBoundary extends Component<Props, State> {
  override state: State = { error: null, key: this.props.resetKey };

  static getDerivedStateFromError(error: unknown): Partial<State> {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  static getDerivedStateFromProps(props: Props, state: State): Partial<State> | null {
    return props.resetKey === state.key ? null : { error: null, key: props.resetKey };
  }

  override componentDidCatch(error: unknown): void {
    console.error('Screen failed', error);
  }

  override render(): ReactNode {
    const { error } = this.state;
    if (!error) return this.props.children;
    const stale = isChunkLoadError(error);
    return (
      <div className="error-box" role="alert" data-testid="screen-error">
        <p style={{ margin: '0 0 8px' }}>
          {stale ? "This screen's code could not be loaded (the app was updated, or the server restarted or was unreachable)." : `This screen failed: ${error.message}`}
        </p>
        <button className="primary" data-testid="screen-error-reload" onClick={() => window.location.reload()}>
          Reload the app
        </button>
        {!stale && <span className="muted"> Your saved work is kept; unsaved builder edits are kept as a draft.</span>}
      </div>
    );
  }
}
