package org.countersign.server.remote;

import java.util.List;
import org.countersign.server.local.PrivacyNotice;

/**
 * The privacy notice of the remote mode, in the same versioned form (and the same consent records) as the local
 * mode's (27553-1 10.2, B-P1, applied to X.1279 remote capture). Its own text, because here the face is compared
 * on the verifier, not on the user's device.
 */
final class RemotePrivacy {
    private RemotePrivacy() {}

    static final PrivacyNotice NOTICE = new PrivacyNotice("2026-12-remote-1",
            "The relying party that sent you here is the controller of your account data; it names itself and its"
                    + " contact point on its own pages. Countersign processes on its behalf.",
            List.of(
                    new PrivacyNotice.Section("What is processed", "Short camera captures of your face, sent"
                            + " encrypted to the verifier. It checks that a live person is present and compares the"
                            + " face with your reference. Frames are kept in memory only for that check; we keep a"
                            + " protected, renewable template (from which the face cannot be rebuilt), fingerprints"
                            + " of the frames to refuse replays, and the outcome of each check."),
                    new PrivacyNotice.Section("Why", "To let you sign in or approve a transaction with your face"
                            + " from a device that has no biometric check of its own."),
                    new PrivacyNotice.Section("How long", "Until you deregister, delete your data, withdraw consent"
                            + " or the relying party closes your account; frame fingerprints for 30 days."),
                    new PrivacyNotice.Section("Your rights", "You can see what we hold, export it as JSON, delete"
                            + " it and withdraw consent at any time; withdrawing removes your references and"
                            + " devices. Ask the relying party, or complain to your data-protection authority."),
                    new PrivacyNotice.Section("Risks and alternatives", "If you do not consent you cannot use face"
                            + " sign-in; the relying party offers its other sign-in methods. A convincing fake of"
                            + " your face is the main risk; we report how sure the check was with every result."),
                    new PrivacyNotice.Section("Protection", "Templates are protected and sealed under keys the"
                            + " verifier holds apart from them; changing your reference needs a one-time grant from"
                            + " the relying party or a match against your current one.")));
}
