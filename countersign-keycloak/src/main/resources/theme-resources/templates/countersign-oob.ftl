<#-- Countersign out-of-band: the code to compare with the phone (X.1280 §8.3, §8.4). No page refresh: a script
     long-polls the realm's countersign/oob/status endpoint and submits the form once the phone has answered. -->
<#import "template.ftl" as layout>
<@layout.registrationLayout displayInfo=true; section>
  <#if section = "header">
    ${msg("countersignOobTitle")}
  <#elseif section = "form">
    <style>
      .countersign-code { font-family: ui-monospace, monospace; font-size: 3rem; font-weight: 700;
                          letter-spacing: .25em; text-align: center; margin: .5rem 0; }
      .countersign-countdown { text-align: center; }
      .countersign-qr { display: flex; justify-content: center; margin: 1rem 0; }
    </style>
    <div id="countersign-oob" data-status-url="${countersignStatusUrl}" data-cancel-url="${countersignCancelUrl}"
         data-seconds-left="${countersignSecondsLeft}">
      <p>${msg("countersignOobCompare")}</p>
      <div id="countersign-code" class="countersign-code" aria-live="polite">${countersignCode}</div>
      <p id="countersign-countdown" class="countersign-countdown" aria-live="off"></p>
      <#if countersignQr?has_content>
        <div class="countersign-qr">${countersignQr?no_esc}</div>
        <p class="countersign-countdown">${msg("countersignOobQr")}</p>
      </#if>
      <p id="countersign-waiting">${msg("countersignOobWaiting")}</p>
      <form id="countersign-form" action="${url.loginAction}" method="post">
        <input type="hidden" name="countersign" value="answered">
        <div class="${properties.kcFormButtonsClass!}">
          <button id="countersign-cancel" type="submit" name="cancel" value="cancel"
                  class="${properties.kcButtonClass!} ${properties.kcButtonDefaultClass!} ${properties.kcButtonBlockClass!} ${properties.kcButtonLargeClass!}">${msg("doCancel")}</button>
        </div>
      </form>
    </div>
    <script>
      (function () {
        var root = document.getElementById("countersign-oob");
        var form = document.getElementById("countersign-form");
        var code = document.getElementById("countersign-code");
        var countdown = document.getElementById("countersign-countdown");
        var left = parseInt(root.dataset.secondsLeft, 10) || 0;
        var started = Date.now();
        var leaving = false;
        function finish() { if (!leaving) { leaving = true; form.submit(); } }
        function tick() {
          var s = Math.max(0, left - Math.floor((Date.now() - started) / 1000));
          countdown.textContent = s > 0
            ? "${msg("countersignOobSecondsLeft")?js_string}".replace("{0}", Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0"))
            : "${msg("countersignOobTimeUp")?js_string}";
        }
        tick();
        setInterval(tick, 1000);
        function poll() {
          if (leaving) { return; }
          fetch(root.dataset.statusUrl, { credentials: "same-origin", cache: "no-store" })
            .then(function (r) { return r.json().then(function (j) { return { http: r.status, body: j }; }); })
            .then(function (r) {
              if (r.body.code && r.body.code !== code.textContent) { code.textContent = r.body.code; }
              if (r.http !== 200 || (r.body.status !== "pending" && r.body.status !== "queued")) { finish(); return; }
              poll();
            })
            .catch(function () { setTimeout(poll, 2000); });
        }
        poll();
        document.getElementById("countersign-cancel").addEventListener("click", function () { leaving = true; });
        // The user closes the tab or goes elsewhere: withdraw the request so the phone stops offering it.
        window.addEventListener("pagehide", function () {
          if (!leaving) { navigator.sendBeacon(root.dataset.cancelUrl); }
        });
      })();
    </script>
  <#elseif section = "info">
    ${msg("countersignOobInfo")}
  </#if>
</@layout.registrationLayout>
