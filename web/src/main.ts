// SPDX-License-Identifier: MIT
import { createApp } from 'vue'
import App from './App.vue'
import { conduit } from './conduit'
import { reloadWhenReplaced } from './homeGuard'
import { setLocale } from './i18n'
import './styles.css'

const root = document.getElementById('app')!
let rendered = false

function render(): void {
  if (rendered) return
  rendered = true
  createApp(App, { client: conduit }).mount(root)
  reloadWhenReplaced(root)
}

// The page says hello as soon as the channel is up and renders its first view right after, in
// the same task: the handshake waits for no rendering, and every listener is in place before
// native's welcome (and whatever comes with it) is handled. The first view speaks the language
// native will report (QtWebEngine's navigator.language follows the same system locale), so hello
// also waits for that catalogue unless it is English's. Without native (a plain browser) the page
// renders once the client gives up waiting.
void conduit.holdHello(setLocale(navigator.language)).then(render)
conduit.onStateChange((state) => {
  if (state === 'unavailable') render()
})
