// Tandem's web widget loader. Put this on your site, once per page:
//   <script src="https://YOUR-TANDEM/widget.js" data-inbox="INBOX_KEY" async></script>
// Optional, for signed-in customers: data-name, data-email and data-signature
// (hex HMAC-SHA256 of the lower-cased e-mail with your identity secret; see Tandem's README).
// A reply that comes while the chat is closed shows a count on the button and in the page's
// title, with a short beep (data-sound="off" keeps it quiet). The widget speaks the language of
// data-lang (for example "de"), else the visitor's browser's, when the content pack has it.
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
  var sound = script.getAttribute('data-sound') !== 'off';
  var lang = script.getAttribute('data-lang') || (navigator.languages && navigator.languages[0]) || navigator.language || '';
  // Until the frame says them in the pack's words (on 'ready'), Tandem's English.
  var TEXTS = {
    launcher_label: 'Open the chat with customer support',
    launcher_caption: 'Chat with us',
    launcher_close: 'Close chat',
    frame_title: 'Chat with customer support',
    unread: '{count} new',
  };
  var LABEL = TEXTS.launcher_label;

  var button = document.createElement('button');
  button.type = 'button';
  button.setAttribute('aria-label', LABEL);
  button.setAttribute('aria-expanded', 'false');
  button.id = 'tandem-launcher';
  var caption = document.createElement('span');
  caption.textContent = TEXTS.launcher_caption;
  var badge = document.createElement('span');
  badge.id = 'tandem-unread';
  var d = badge.style;
  d.display = 'none';
  d.marginLeft = '8px'; d.padding = '1px 7px'; d.borderRadius = '999px'; d.background = '#b42318';
  d.color = '#fff'; d.font = '700 13px system-ui, sans-serif';
  button.appendChild(caption);
  button.appendChild(badge);
  var b = button.style;
  b.position = 'fixed'; b.right = '20px'; b.bottom = '20px'; b.zIndex = '2147483646';
  b.padding = '12px 18px'; b.border = '0'; b.borderRadius = '999px'; b.cursor = 'pointer';
  b.background = '#1d4ed8'; b.color = '#fff'; b.font = '600 15px system-ui, sans-serif';
  b.boxShadow = '0 4px 14px rgba(0,0,0,.25)';

  var frame = document.createElement('iframe');
  frame.id = 'tandem-frame';
  frame.title = TEXTS.frame_title;
  frame.src = origin + '/widget/frame?key=' + encodeURIComponent(key) + (lang ? '&lang=' + encodeURIComponent(lang) : '');
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

  // Unread replies: a count on the button and in the title; the page's own title comes back.
  var title = null;
  var unread = 0;
  function showUnread(count) {
    unread = count;
    d.display = count ? 'inline-block' : 'none';
    badge.textContent = count > 99 ? '99+' : String(count);
    button.setAttribute('aria-label', count ? LABEL + ' (' + TEXTS.unread.replace('{count}', badge.textContent) + ')' : LABEL);
    if (count && title === null) title = document.title;
    if (title !== null) document.title = count ? '(' + badge.textContent + ') ' + title : title;
    if (!count) title = null;
  }

  // A short beep. Browsers let a page play sound only after the visitor clicked it, so the audio
  // is set up on the button's click; without that (or when it is blocked) there is no sound.
  var audio = null;
  var ready = false;
  function unlockSound() {
    if (!sound || audio) return;
    var Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) return;
    try { audio = new Context(); } catch (e) { audio = null; }
  }
  function beep() {
    if (!audio || audio.state !== 'running') return;
    try {
      var tone = audio.createOscillator();
      var gain = audio.createGain();
      var now = audio.currentTime;
      tone.frequency.value = 880;
      gain.gain.setValueAtTime(0.0001, now);
      gain.gain.exponentialRampToValueAtTime(0.15, now + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, now + 0.25);
      tone.connect(gain);
      gain.connect(audio.destination);
      tone.start(now);
      tone.stop(now + 0.3);
    } catch (e) { /* no sound then */ }
  }

  function toggle(open) {
    frame.hidden = !open;
    button.setAttribute('aria-expanded', String(open));
    caption.textContent = open ? TEXTS.launcher_close : TEXTS.launcher_caption;
    b.display = open && window.innerWidth < 520 ? 'none' : 'block';
    // (Before the frame is ready its window is not Tandem's yet; it asks when it is.)
    if (ready) frame.contentWindow.postMessage({ tandem: open ? 'open' : 'closed' }, origin);
    if (open) {
      showUnread(0);
      frame.focus();
    } else button.focus();
  }
  button.addEventListener('click', function () {
    unlockSound();
    toggle(frame.hidden);
  });
  // Only Tandem's own frame may talk to this page.
  window.addEventListener('message', function (event) {
    if (event.origin !== origin || event.source !== frame.contentWindow || !event.data) return;
    var data = event.data;
    if (data.tandem === 'close') toggle(false);
    if (data.tandem === 'ready') {
      ready = true;
      useTexts(data.texts);
      frame.contentWindow.postMessage({ tandem: frame.hidden ? 'closed' : 'open' }, origin);
      if (identity.email && identity.name) frame.contentWindow.postMessage(identity, origin);
    }
    if (data.tandem === 'unread' && typeof data.count === 'number' && data.count >= 0 && Math.floor(data.count) === data.count) {
      showUnread(data.count);
      if (data.count > 0) beep();
    }
  });
  window.addEventListener('keydown', function (event) {
    if (event.key === 'Escape' && !frame.hidden) toggle(false);
  });

  // The frame's texts for the launcher (strings only; anything else keeps the English).
  function useTexts(texts) {
    if (!texts || typeof texts !== 'object') return;
    for (var name in TEXTS) {
      if (Object.prototype.hasOwnProperty.call(texts, name) && typeof texts[name] === 'string' && texts[name]) TEXTS[name] = texts[name];
    }
    LABEL = TEXTS.launcher_label;
    frame.title = TEXTS.frame_title;
    caption.textContent = frame.hidden ? TEXTS.launcher_caption : TEXTS.launcher_close;
    showUnread(unread);
  }

  function mount() {
    document.body.appendChild(frame);
    document.body.appendChild(button);
  }
  if (document.body) mount();
  else document.addEventListener('DOMContentLoaded', mount);
})();
