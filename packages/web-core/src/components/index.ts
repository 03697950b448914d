export { default as LocaleSwitch } from './locale-switch.vue';
