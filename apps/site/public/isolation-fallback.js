/*
 * Registers isolation-sw.js where the host sent no isolation headers, then reloads the page once
 * so that it comes back through the worker, isolated. Does nothing when the page is already
 * isolated, without service workers or a secure context, inside another site's frame (a frame is
 * isolated only when the page around it is, which the worker cannot change), or when this tab
 * already reloaded once for it (a browser that does not isolate through a service worker must not
 * reload forever; without sessionStorage there is no reload at all).
 */
(function () {
  if (window.crossOriginIsolated || !window.isSecureContext || !('serviceWorker' in navigator)) return;
  if (window.top !== window.self) return;
  var KEY = 'atlas-isolation-reloaded';
  var tried;
  try {
    tried = sessionStorage.getItem(KEY) === '1';
  } catch (e) {
    return;
  }
  navigator.serviceWorker.register('/isolation-sw.js').then(
    function () {
      if (tried) return;
      var reload = function () {
        sessionStorage.setItem(KEY, '1');
        location.reload();
      };
      // already controlled (a page opened before the worker took over): reload now, else on takeover
      if (navigator.serviceWorker.controller) reload();
      else navigator.serviceWorker.addEventListener('controllerchange', reload, { once: true });
    },
    function () {}
  );
})();
