package org.countersign.server;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.countersign.server.store.StoreException;
import org.junit.jupiter.api.Test;

/** The store's start on its own thread hands its failure to the starting thread unchanged (issue 14). */
class StoreStartTest {

    @Test
    void aFailedStartIsRethrownAsItWasThrown() {
        StoreException failure = new StoreException("cannot start the embedded PostgreSQL: port taken", null);
        Countersign.StoreStart start = Countersign.StoreStart.begin(() -> {
            throw failure;
        });
        assertThatThrownBy(start::await).isSameAs(failure);
    }

    @Test
    void anErrorOnTheStoreThreadIsNotWrapped() {
        Countersign.StoreStart start = Countersign.StoreStart.begin(() -> {
            throw new OutOfMemoryError("simulated");
        });
        assertThatThrownBy(start::await).isInstanceOf(OutOfMemoryError.class).hasMessage("simulated");
    }

    @Test
    void cleaningUpAfterAFailureElsewhereToleratesAStoreThatNeverOpened() {
        Countersign.StoreStart start = Countersign.StoreStart.begin(() -> {
            throw new StoreException("no store", null);
        });
        assertThatCode(start::closeWhenOpened).doesNotThrowAnyException();
    }
}
