import ElementPlus from 'element-plus';
import 'element-plus/dist/index.css';
import { createPinia } from 'pinia';
import { createApp } from 'vue';
import './styles/app.css';
import App from './app.vue';
import { i18n } from './i18n.ts';
import { router } from './router/index.ts';

createApp(App).use(createPinia()).use(i18n).use(router).use(ElementPlus).mount('#app');
