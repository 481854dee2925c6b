// SPDX-License-Identifier: MIT
import { createApp } from 'vue'
import App from './App.vue'
import { conduit } from './conduit'
import { reloadWhenReplaced } from './homeGuard'
import './styles.css'

const root = document.getElementById('app')!
createApp(App, { client: conduit }).mount(root)
reloadWhenReplaced(root)
