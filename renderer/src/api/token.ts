const KEY = 'bws.token';

/**
 * Returns the web-mode token: from the page URL (`?token=`) on first load, kept in
 * sessionStorage so reloads work after it is stripped from the address bar (it should
 * not linger in screenshots or history).
 */
export function readToken(): string {
  const url = new URL(window.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    sessionStorage.setItem(KEY, fromUrl);
    url.searchParams.delete('token');
    window.history.replaceState(null, '', url.pathname + url.search + url.hash);
    return fromUrl;
  }
  return sessionStorage.getItem(KEY) ?? '';
}
