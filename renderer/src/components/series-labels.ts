/**
 * The series list's label when a universe is traded (Run and Optimize forms): the list holds
 * instruments, and the one picked decides the timeframe of every instrument's bars. It was
 * 'Timeframe (of this series)' over a list of instruments.
 */
export const SERIES_FOR_UNIVERSE = 'Series (its timeframe picks the bars)';
