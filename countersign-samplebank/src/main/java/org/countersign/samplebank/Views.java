package org.countersign.samplebank;

import java.util.List;

/**
 * What each page template ({@code src/main/jte}) shows, as plain values. Templates are compiled with the bank
 * (jte, precompiled), so a template that names a missing field fails the build; every value is escaped by the
 * template for where it lands (text, attribute). A {@code null} text means "not shown".
 */
public final class Views {
    private Views() {}

    /**
     * The frame of every page: its title, who is signed in (or null), the form token, and the paths of the page's
     * scripts on the bank's own origin.
     */
    public record Frame(String title, String userId, String csrf, List<String> scripts) {
        public Frame {
            scripts = List.copyOf(scripts);
        }
    }

    /** A page that only says one thing, with a way on. */
    public record Message(String kind, String text, String linkHref, String linkText) {}

    public record Login(String flash, String error) {}

    /** A form page that may carry an error from its last submission. */
    public record Form(String error) {}

    /**
     * The code comparison page (X.1280 §8.3): the code, or none while another request of the user is ahead
     * (queued); with {@code bindOptions}, the WebAuthn request that binds this browser (§9.1.1).
     */
    public record Wait(String userId, String code, String expiresAt, int validitySeconds, String qrPng,
            String bindOptions) {}

    public record Device(String id, String name, String added, String lastUsed, String status, boolean active) {}

    public record Passkey(String id, String shortId, String added, String lastUsed, String protection,
            String attestation, String status) {}

    public record Account(String flash, String signedInWith, boolean passwordRenewed, List<Device> devices,
            List<Passkey> passkeys, boolean passwordLoginDisabled) {
        public Account {
            devices = List.copyOf(devices);
            passkeys = List.copyOf(passkeys);
        }
    }

    public record Enrolment(String qrPng, String uri, String code, String expires) {}

    public record Section(String heading, String text) {}

    /** ISO/IEC 27553-1 10.2: the notice the user reads and agrees to before any biometric enrolment. */
    public record PrivacyNotice(String error, String version, String controllerNote, List<Section> sections) {
        public PrivacyNotice {
            sections = List.copyOf(sections);
        }
    }
}
