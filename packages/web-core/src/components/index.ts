export { default as LocaleSwitch } from './locale-switch.vue';
export { default as EChart } from './e-chart.vue';
