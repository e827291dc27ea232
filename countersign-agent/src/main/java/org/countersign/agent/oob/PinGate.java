package org.countersign.agent.oob;

import java.util.Objects;
import java.util.Optional;

/**
 * The PIN gate (X.1280 §9.2.3): asks a {@link PinSource} for the PIN and opens the key store with it, asking again
 * after a wrong PIN while the source keeps answering. Every wrong PIN counts toward the wipe in
 * {@link AuthenticatorStore}, across runs.
 */
public final class PinGate implements UserVerificationGate {

    /** Where PINs come from: the console, a file for scripts, a fixed value in tests. */
    @FunctionalInterface
    public interface PinSource {
        /**
         * @param previous the failure of the previous PIN, empty on the first request
         * @return the PIN, or empty when the user gives up
         */
        Optional<Pin> next(Optional<OobException.WrongPin> previous) throws OobException;
    }

    private final PinSource source;

    public PinGate(PinSource source) {
        this.source = Objects.requireNonNull(source, "source");
    }

    /** A gate that tries one PIN once (scripts, tests). */
    public static PinGate fixed(Pin pin) {
        return new PinGate(previous -> previous.isEmpty() ? Optional.of(pin) : Optional.empty());
    }

    @Override
    public AuthenticatorStore.Unlocked unlock(AuthenticatorStore store) throws OobException {
        Optional<OobException.WrongPin> last = Optional.empty();
        while (true) {
            Optional<Pin> pin = source.next(last);
            if (pin.isEmpty()) {
                throw last.<OobException>map(e -> e).orElseGet(() -> new OobException.BadInput("no PIN given"));
            }
            try {
                return store.open(pin.get());
            } catch (OobException.WrongPin e) {
                last = Optional.of(e);
            }
        }
    }
}
