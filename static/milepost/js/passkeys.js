// Passkeys on the two-factor page and the code page (docs/decisions/0605-mfa-passkeys.md).
// django-otp-webauthn's scripts call gettext(); the site speaks English only, so the text
// is used as it is (no translation catalogue is served).
if (typeof window.gettext !== "function") {
  window.gettext = function (text) {
    return text;
  };
}
// Once a passkey is added, show the list with it.
document.addEventListener("otp_webauthn.register_complete", function () {
  window.location.reload();
});
