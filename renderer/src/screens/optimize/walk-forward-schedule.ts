/** What is wrong with the typed schedule (days), or null. */
export function scheduleProblem(inSample: string, outOfSample: string, step: string): string | null {
  const positive = (text: string) => text.trim() !== '' && Number(text) > 0 && Number.isFinite(Number(text));
  if (!positive(inSample)) return 'In-sample days must be a number above 0.';
  if (!positive(outOfSample)) return 'Out-of-sample days must be a number above 0.';
  if (step.trim() !== '' && !positive(step)) return 'Step days must be a number above 0, or empty (the out-of-sample length).';
  return null;
}
