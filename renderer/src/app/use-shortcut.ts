import { useEffect, useRef } from 'react';

/**
 * Calls `handler` on a key combination like 'Alt+1', 'Mod+Enter', 'Mod+s', '/'
 * (Mod = Ctrl, or Cmd on macOS). Plain-key shortcuts are ignored while typing in a field;
 * `inFields: false` leaves a Mod/Alt combination to fields too (Mod+Z undoes typing there).
 */
export function useShortcut(combo: string, handler: (event: KeyboardEvent) => void, enabled = true, options: { inFields?: boolean } = {}): void {
  const ref = useRef(handler);
  ref.current = handler;
  const inFields = options.inFields;
  useEffect(() => {
    if (!enabled) return;
    const parts = combo.split('+');
    const key = parts.pop()!.toLowerCase();
    const wantMod = parts.includes('Mod');
    const wantAlt = parts.includes('Alt');
    const wantShift = parts.includes('Shift');
    const fieldsToo = inFields ?? (wantMod || wantAlt);
    const onKey = (event: KeyboardEvent): void => {
      // A held key repeats: one action per press (a held Ctrl+Enter started run after run).
      if (event.repeat) return;
      const mod = event.ctrlKey || event.metaKey;
      if (mod !== wantMod || event.altKey !== wantAlt || event.shiftKey !== wantShift) return;
      // Alt+digit gives other characters on some layouts: compare the physical key too.
      const pressed = event.key.toLowerCase();
      const code = event.code.toLowerCase();
      if (pressed !== key && code !== `digit${key}` && code !== `key${key}`) return;
      const target = event.target as HTMLElement | null;
      const typing = target && (target.tagName === 'INPUT' || target.tagName === 'TEXTAREA' || target.tagName === 'SELECT');
      if (typing && !fieldsToo) return;
      event.preventDefault();
      ref.current(event);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [combo, enabled, inFields]);
}
