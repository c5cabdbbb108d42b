/** Shows an error message (never a stack) or nothing. */
export function ErrorBox({ message, testId = 'error' }: { message: string | null | undefined; testId?: string }) {
  if (!message) return null;
  return (
    <div className="error-box" role="alert" data-testid={testId}>
      {message}
    </div>
  );
}
