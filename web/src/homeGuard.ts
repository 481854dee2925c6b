// SPDX-License-Identifier: MIT
// Brings the page home when its document is replaced in place (document.open() and write, or a
// script that empties <html>): the script realm survives that, the application's view does not,
// and no navigation happens that the native side could see.

/** Reloads the page once the element the app is mounted on leaves the document. */
export function reloadWhenReplaced(root: Element, reload: () => void = () => location.reload()): () => void {
  let reloading = false
  const observer = new MutationObserver(() => {
    if (reloading || root.isConnected) return
    reloading = true
    observer.disconnect()
    reload()
  })
  observer.observe(document, { childList: true, subtree: true })
  return () => observer.disconnect()
}
