import { createPinia } from 'pinia';
import { createApp } from 'vue';
import 'vant/lib/index.css';
import './styles/app.css';
import App from './app.vue';
import { i18n } from './i18n.ts';
import { router } from './router/index.ts';

createApp(App).use(createPinia()).use(i18n).use(router).mount('#app');
