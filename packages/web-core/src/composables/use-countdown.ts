import { computed, onScopeDispose, ref } from 'vue';

/** A seconds countdown (e.g. "resend code in 59 s") that stops itself and on scope disposal. */
export function useCountdown() {
  const remaining = ref(0);
  let timer: ReturnType<typeof setInterval> | undefined;
  const stop = () => {
    if (timer) clearInterval(timer);
    timer = undefined;
  };
  function start(seconds: number) {
    stop();
    remaining.value = Math.max(0, Math.floor(seconds));
    if (remaining.value === 0) return;
    timer = setInterval(() => {
      remaining.value -= 1;
      if (remaining.value <= 0) {
        remaining.value = 0;
        stop();
      }
    }, 1000);
  }
  onScopeDispose(stop);
  return { remaining, running: computed(() => remaining.value > 0), start, stop };
}
