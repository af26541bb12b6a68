/* Telegram login: Telegram returns the signed login data in the URL fragment (#tgAuthResult=...).
 * Post it to this callback URL, as allauth's own script does, but first drop the fragment from
 * the address bar and history: browsers carry a fragment over redirects, so it would otherwise
 * follow the person to the next pages' URLs (and into anything they copy) while still valid. */
(function () {
  'use strict'
  const fields = new URLSearchParams(window.location.hash.slice(1))
  const target = window.location.pathname + window.location.search
  window.history.replaceState(null, '', target)

  const form = document.createElement('form')
  form.method = 'POST'
  form.action = target
  for (const [name, value] of fields) {
    const input = document.createElement('input')
    input.type = 'hidden'
    input.name = name
    input.value = value
    form.appendChild(input)
  }
  document.body.appendChild(form)
  form.submit()
})()
