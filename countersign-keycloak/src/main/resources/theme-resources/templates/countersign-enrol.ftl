<#-- "Set up Countersign authenticator" (X.1280 §8.1): the verifier's enrolment QR, link and code. The page waits
     for the phone to finish enrolment (countersign/enrol/status) and then continues by itself. -->
<#import "template.ftl" as layout>
<@layout.registrationLayout displayInfo=true; section>
  <#if section = "header">
    ${msg("countersignEnrolTitle")}
  <#elseif section = "form">
    <style>
      .countersign-qr { display: flex; justify-content: center; margin: 1rem 0; }
      .countersign-enrol-code { font-family: ui-monospace, monospace; font-size: 1.6rem; font-weight: 700;
                                text-align: center; letter-spacing: .1em; }
    </style>
    <div id="countersign-enrol" data-status-url="${countersignEnrolStatusUrl}">
      <ol>
        <li>${msg("countersignEnrolStep1")}</li>
        <li>${msg("countersignEnrolStep2")}</li>
        <li>${msg("countersignEnrolStep3")}</li>
      </ol>
      <div class="countersign-qr"><img src="${countersignEnrolQr}" width="220" height="220" alt="${msg("countersignEnrolQrAlt")}"></div>
      <p><a id="countersign-enrol-link" href="${countersignEnrolUri}" target="_blank" rel="noopener">${msg("countersignEnrolLink")}</a></p>
      <p>${msg("countersignEnrolCodeLabel")}</p>
      <p id="countersign-enrol-code" class="countersign-enrol-code">${countersignEnrolCode}</p>
      <p><strong>${msg("countersignEnrolRecovery")}</strong></p>
      <form id="countersign-enrol-form" action="${url.loginAction}" method="post">
        <div class="${properties.kcFormButtonsClass!}">
          <button id="countersign-enrol-done" type="submit" name="done" value="done"
                  class="${properties.kcButtonClass!} ${properties.kcButtonPrimaryClass!} ${properties.kcButtonBlockClass!} ${properties.kcButtonLargeClass!}">${msg("countersignEnrolDone")}</button>
        </div>
      </form>
    </div>
    <script>
      (function () {
        var root = document.getElementById("countersign-enrol");
        var form = document.getElementById("countersign-enrol-form");
        var leaving = false;
        form.addEventListener("submit", function () { leaving = true; });
        function poll() {
          if (leaving) { return; }
          fetch(root.dataset.statusUrl, { credentials: "same-origin", cache: "no-store" })
            .then(function (r) { return r.json(); })
            .then(function (j) {
              if (j.enrolled) { leaving = true; form.submit(); return; }
              setTimeout(poll, 2000);
            })
            .catch(function () { setTimeout(poll, 4000); });
        }
        setTimeout(poll, 2000);
      })();
    </script>
  <#elseif section = "info">
    ${msg("countersignEnrolInfo")}
  </#if>
</@layout.registrationLayout>
