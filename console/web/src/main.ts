import { mount } from 'svelte';
import App from './App.svelte';
import './styles/app.css';

// The app's code has loaded and run its imports (read by `npm run bench -- console`).
performance.mark('app:start');
const target = document.getElementById('app');
if (target === null) throw new Error('index.html has no #app element');
mount(App, { target });
performance.mark('app:mounted');
