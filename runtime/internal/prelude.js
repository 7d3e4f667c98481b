// Evaluated before the user's script in every attempt. Import order matters:
// k6p:internal/host captures the raw host function before it is deleted from the
// global object; the host takes `__k6p_loop_hooks` and deletes it right after this.
import 'k6p:internal/intrinsics'; // first: captures built-ins before anything else runs
import 'k6p:internal/host';
import 'k6p:internal/loop';
import 'k6p:globals';

delete globalThis.__k6p_host;
