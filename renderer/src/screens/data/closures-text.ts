import { formatCountOf } from '../../app/format.js';

/** '443 weekend closures', '12 overnight closures', or both joined by ' · '. */
export function closuresText(weekends: number, nights: number): string {
  const parts = [weekends > 0 ? formatCountOf(weekends, 'weekend closure') : '', nights > 0 ? formatCountOf(nights, 'overnight closure') : ''];
  return parts.filter(Boolean).join(' · ');
}
