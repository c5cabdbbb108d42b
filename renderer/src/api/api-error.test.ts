import { describe, expect, it } from 'vitest';
import { ApiError, errorMessage, rowErrorsOf, toApiError } from './api-error.js';

describe('errors across the boundary', () => {
  it('turns a wire error into an ApiError carrying type, message and details', () => {
    const error = toApiError({ type: 'ValidationError', message: 'period must be 1-5000', details: { path: 'x' } });
    expect(error).toBeInstanceOf(ApiError);
    expect(error.type).toBe('ValidationError');
    expect(errorMessage(error)).toBe('period must be 1-5000');
  });

  it('never shows a stack, and has a message for anything thrown', () => {
    expect(errorMessage(toApiError(null))).toBe('Unexpected error');
    expect(errorMessage('boom')).toBe('Something went wrong.');
    expect(errorMessage(new Error('plain'))).toBe('plain');
  });

  it('reads the row errors of a rejected import', () => {
    const rows = [
      { file: 'a.csv', line: 3, message: 'high below low' },
      { file: 'a.csv', line: 5, message: 'open is not a number' },
    ];
    expect(rowErrorsOf(toApiError({ type: 'ImportRejectedError', message: 'rejected', details: { rowErrors: rows } }))).toEqual(rows);
    expect(rowErrorsOf(toApiError({ type: 'ImportRejectedError', message: 'rejected', details: { rowErrors: [{ nonsense: true }] } }))).toEqual([]);
    expect(rowErrorsOf(new Error('x'))).toEqual([]);
  });
});
