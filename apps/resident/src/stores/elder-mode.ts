import { usePersistedRef } from '@zhengtong/web-core';
import { defineStore } from 'pinia';
import { watchEffect } from 'vue';

/** 长辈模式: large type, high contrast, fewer and larger entries; persisted per device. */
export const useElderModeStore = defineStore('elderMode', () => {
  const enabled = usePersistedRef('zt.elderMode', false);
  watchEffect(() => document.documentElement.classList.toggle('elder', enabled.value));
  function toggle() {
    enabled.value = !enabled.value;
  }
  return { enabled, toggle };
});
