/**
 * The API key lives in sessionStorage only: it goes when the tab closes or on
 * sign-out, and never reaches localStorage, a cookie or a URL.
 */
const KEY = '1tt.apiKey';

export function storedKey(): string | null {
  try {
    return sessionStorage.getItem(KEY);
  } catch {
    return null;
  }
}

export function storeKey(apiKey: string): void {
  sessionStorage.setItem(KEY, apiKey);
}

export function clearSession(): void {
  sessionStorage.clear();
}
