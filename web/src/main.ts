import { createApp } from 'vue'
import App from './App.vue'
import { conduit } from './conduit'
import './styles.css'

createApp(App, { client: conduit }).mount('#app')
