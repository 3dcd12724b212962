// Yalu workbench: the API client. Every call sends the signed-in key
// (`Authorization: Bearer ...`); a refused key (401) signs the tab out and
// leads to the sign-in page. Errors become `ApiError`, read out by
// `errorText()`. Renders no page itself.

import { session, showSession } from './session.js';
import { go, nextMessage } from './page.js';

export class ApiError extends Error {
  constructor(status, code, detail) {
    super(detail || code || `HTTP ${status}`);
    this.status = status;
    this.code = code;
    this.detail = detail;
  }
}

/** Calls the API with the session's key; errors become ApiError. */
export async function api(method, path, body, key) {
  const headers = { Accept: 'application/json' };
  const k = key || session.key;
  if (k) headers.Authorization = `Bearer ${k}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (e) {
    throw new ApiError(0, 'network', `the server cannot be reached (${e.message})`);
  }
  const text = await response.text();
  let data = null;
  if (text) {
    try { data = JSON.parse(text); } catch { data = null; }
  }
  if (!response.ok) {
    const code = data && data.code;
    const detail = (data && data.detail) || text || response.statusText;
    if ((response.status === 401) && !key) {
      session.clear();
      showSession();
      nextMessage(`Your key was refused (${code || response.status}): sign in again.`);
      go('#/login');
    }
    throw new ApiError(response.status, code, detail);
  }
  return data;
}

export function errorText(e) {
  if (e instanceof ApiError) {
    if (e.status === 403 && e.code === 'insufficient_role') {
      return `Your key's role may not do this: ${e.detail}`;
    }
    return `${e.detail}${e.code ? ` (${e.code})` : ''}`;
  }
  return String(e && e.message ? e.message : e);
}
