// The pool's figures as operators read them. Pure functions: the dashboard and its tests share them.

/** Used energy decays linearly to zero over this window (TRON's 24 h recovery). */
export const WINDOW_MINUTES = 24 * 60;
/** A USDT transfer to an address that already holds USDT. */
export const TYPICAL_TRANSFER_ENERGY = 65_000;

/**
 * Minutes until `needed` energy is free: the first t with
 * `limit - used * (1 - t / 24 h) - reserved >= needed`. 0 when it fits now; null when it cannot fit
 * even once everything used has recovered (reservations must settle first).
 */
export function minutesUntilFits({ limit, used, reserved }, needed = TYPICAL_TRANSFER_ENERGY) {
  const room = limit - reserved - needed;
  if (room < 0) return null;
  if (used <= room) return 0;
  return Math.ceil(WINDOW_MINUTES * (1 - room / used));
}

/** The service level users are shown (src/domain/status.ts): the gauge takes its colour from it. */
export function serviceLevel(availablePercent, { alert_threshold, critical_threshold }) {
  if (availablePercent > alert_threshold) return "normal";
  if (availablePercent >= critical_threshold) return "caution";
  return "limited";
}
