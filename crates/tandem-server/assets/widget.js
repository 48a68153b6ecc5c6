// Tandem's web widget loader. Put this on your site, once per page:
//   <script src="https://YOUR-TANDEM/widget.js" data-inbox="INBOX_KEY" async></script>
// Optional, for signed-in customers: data-name, data-email and data-signature
// (hex HMAC-SHA256 of the lower-cased e-mail with your identity secret; see Tandem's README).
(function () {
  'use strict';
  var script = document.currentScript || document.querySelector('script[data-inbox][src*="widget.js"]');
  if (!script || window.__tandemWidget) return;
  window.__tandemWidget = true;
  var origin = new URL(script.src, location.href).origin;
  var key = script.getAttribute('data-inbox') || '';
  var identity = {
    tandem: 'identity',
    name: script.getAttribute('data-name'),
    email: script.getAttribute('data-email'),
    signature: script.getAttribute('data-signature'),
  };

  var button = document.createElement('button');
  button.type = 'button';
  button.setAttribute('aria-label', 'Open the chat with customer support');
  button.setAttribute('aria-expanded', 'false');
  button.id = 'tandem-launcher';
  button.textContent = 'Chat with us';
  var b = button.style;
  b.position = 'fixed'; b.right = '20px'; b.bottom = '20px'; b.zIndex = '2147483646';
  b.padding = '12px 18px'; b.border = '0'; b.borderRadius = '999px'; b.cursor = 'pointer';
  b.background = '#1d4ed8'; b.color = '#fff'; b.font = '600 15px system-ui, sans-serif';
  b.boxShadow = '0 4px 14px rgba(0,0,0,.25)';

  var frame = document.createElement('iframe');
  frame.id = 'tandem-frame';
  frame.title = 'Chat with customer support';
  frame.src = origin + '/widget/frame?key=' + encodeURIComponent(key);
  frame.hidden = true;
  var f = frame.style;
  f.position = 'fixed'; f.zIndex = '2147483647'; f.border = '0'; f.background = '#fff';
  f.boxShadow = '0 8px 30px rgba(0,0,0,.3)';

  function layout() {
    var small = window.innerWidth < 520;
    f.right = small ? '0' : '20px';
    f.bottom = small ? '0' : '84px';
    f.width = small ? '100%' : '380px';
    f.height = small ? '100%' : 'min(620px, calc(100vh - 110px))';
    f.borderRadius = small ? '0' : '14px';
  }
  layout();
  window.addEventListener('resize', layout);

  function toggle(open) {
    frame.hidden = !open;
    button.setAttribute('aria-expanded', String(open));
    button.textContent = open ? 'Close chat' : 'Chat with us';
    b.display = open && window.innerWidth < 520 ? 'none' : 'block';
    if (open) frame.focus();
    else button.focus();
  }
  button.addEventListener('click', function () { toggle(frame.hidden); });
  window.addEventListener('message', function (event) {
    if (event.origin !== origin || !event.data) return;
    if (event.data.tandem === 'close') toggle(false);
    if (event.data.tandem === 'ready' && identity.email && identity.name) frame.contentWindow.postMessage(identity, origin);
  });
  window.addEventListener('keydown', function (event) {
    if (event.key === 'Escape' && !frame.hidden) toggle(false);
  });

  function mount() {
    document.body.appendChild(frame);
    document.body.appendChild(button);
  }
  if (document.body) mount();
  else document.addEventListener('DOMContentLoaded', mount);
})();
