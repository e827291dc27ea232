package org.countersign.cli;

import java.io.IOException;
import java.net.BindException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.concurrent.Callable;
import org.countersign.samplebank.Main;
import org.countersign.samplebank.SampleBank;
import org.countersign.samplebank.VerifierClient.VerifierException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code countersign sample-bank}: runs the sample relying party (a demo bank using out-of-band server
 * authentication, X.1280) as its own process in front of a running verifier.
 */
@Command(name = "sample-bank", mixinStandardHelpOptions = true,
        description = "Run the sample bank: a demo relying party that signs users in with X.1280 out-of-band "
                + "server authentication through the verifier's public API.")
public final class SampleBankCommand implements Callable<Integer> {
    static final int EXIT_VERIFIER = 3;

    @Option(names = "--verifier", required = true, paramLabel = "URL", description = "Base URL of the verifier, e.g. https://localhost:8443")
    URI verifier;

    @Option(names = "--ca", required = true, paramLabel = "PEM", description = "CA certificate the verifier's TLS certificate chains to")
    Path ca;

    @Option(names = "--api-key", paramLabel = "KEY", defaultValue = "${env:SAMPLEBANK_API_KEY}",
            description = "The bank tenant's API key [env SAMPLEBANK_API_KEY]")
    String apiKey;

    @Option(names = "--admin-key", paramLabel = "KEY", defaultValue = "${env:COUNTERSIGN_ADMIN_KEY}",
            description = "Without --api-key: admin key used to create the tenant 'samplebank' (or a new key for it)")
    String adminKey;

    @Option(names = "--port", defaultValue = "8080", description = "HTTP port of the bank (default ${DEFAULT-VALUE})")
    int port;

    @Override
    public Integer call() throws Exception {
        if ((apiKey == null || apiKey.isBlank()) && (adminKey == null || adminKey.isBlank())) {
            System.err.println("countersign: give --api-key, or --admin-key to create the samplebank tenant");
            return 2;
        }
        if (!Files.isReadable(ca)) {
            System.err.println("countersign: cannot read the CA certificate " + ca + " (the server prints the path of"
                    + " its ca.pem at start-up)");
            return 2;
        }
        SampleBank bank;
        try {
            bank = Main.launch(verifier, ca, apiKey, adminKey, port);
        } catch (VerifierException e) {
            String keyHint = apiKey == null || apiKey.isBlank() ? "--admin-key (the key 'countersign serve' printed"
                    + " first, or one from 'countersign admin new-key')" : "--api-key (or SAMPLEBANK_API_KEY)";
            System.err.println("countersign: " + VerifierErrors.oneLine(verifier, e.document(), e.detail(), keyHint));
            return EXIT_VERIFIER;
        } catch (IOException | GeneralSecurityException e) {
            System.err.println("countersign: cannot use the CA certificate " + ca + ": " + e.getMessage());
            return 2;
        } catch (RuntimeException e) {
            // Javalin wraps a busy port in a RuntimeException around a BindException.
            if (hasBindException(e)) {
                System.err.println("countersign: port " + port + " is already in use; choose another with --port N");
                return 1;
            }
            throw e;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(bank::close));
        System.out.println("Sample Bank is serving http://localhost:" + bank.port() + "/  (verifier " + verifier + ")");
        Thread.currentThread().join();
        return 0;
    }

    private static boolean hasBindException(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException) {
                return true;
            }
        }
        return false;
    }
}
