/**
 * A URL fit for messages and logs: the password and the query string (which may carry one) are
 * dropped; the user name stays. Text that is not a URL is not echoed (it may hold a secret).
 */
export function redactUrl(text: string): string {
  try {
    const url = new URL(text);
    url.password = '';
    url.search = '';
    return url.toString();
  } catch {
    return '(unparsable URL)';
  }
}
