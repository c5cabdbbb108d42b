const MAX_EXCERPT = 80;

/** Quotes (in double quotes) at most 80 characters of a bad field or line, so an error about an 8 MB line stays readable. */
export function excerpt(text: string): string {
  const t = text.trim();
  return t.length <= MAX_EXCERPT ? `"${t}"` : `"${t.slice(0, MAX_EXCERPT)}..." (${t.length.toLocaleString('en-US')} characters)`;
}
