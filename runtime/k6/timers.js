// k6/timers: the same timers as the globals, from the guest event loop.
import { setTimeout, clearTimeout, setInterval, clearInterval } from 'k6p:internal/loop';

export { setTimeout, clearTimeout, setInterval, clearInterval };
export default { setTimeout, clearTimeout, setInterval, clearInterval };
