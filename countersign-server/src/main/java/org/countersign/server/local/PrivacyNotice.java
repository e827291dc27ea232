package org.countersign.server.local;

import java.util.List;

/**
 * The versioned privacy notice shown before the first biometric enrolment (27553-1 10.2; requirement B-P1). A
 * relying party records the user's consent to a version; when the text changes the version changes and new
 * registrations need consent again.
 */
public record PrivacyNotice(String version, String controllerNote, List<Section> sections) {
    public record Section(String heading, String text) {}

    public PrivacyNotice {
        sections = List.copyOf(sections);
    }

    public static final PrivacyNotice CURRENT = new PrivacyNotice("2026-11-local-1",
            "The relying party that sent you here is the controller of your account data; it names itself and its"
                    + " contact point on its own pages. Countersign processes on its behalf.",
            List.of(
                    new Section("What is processed", "Your face (or the fingerprint or face your device uses) is"
                            + " compared on your own device only. Neither pictures nor templates nor comparison"
                            + " scores are sent to us. We keep a public key, a counter, a reference identifier that"
                            + " says nothing about your body, and what your device states about its own security."),
                    new Section("Why", "To let you sign in or approve a transaction with your device's biometric"
                            + " check instead of a password."),
                    new Section("How long", "Until you remove the device, delete your data, withdraw consent or the"
                            + " relying party closes your account."),
                    new Section("Your rights", "You can see what we hold, export it as JSON, delete it, remove a"
                            + " device and withdraw consent at any time; withdrawing removes every registered device."
                            + " Ask the relying party, or complain to your data-protection authority."),
                    new Section("Risks and alternatives", "If you do not consent you cannot use local biometric"
                            + " sign-in; the relying party offers its other sign-in methods. A stolen unlocked device"
                            + " or a weak device check are the main risks; we report the device's assurance to the"
                            + " relying party with every sign-in."),
                    new Section("Protection", "Keys stay on your device behind its biometric check; our records are"
                            + " held in an audited store and bound to the relying party that created them.")));
}
