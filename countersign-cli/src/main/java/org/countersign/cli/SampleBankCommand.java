package org.countersign.cli;

import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.countersign.samplebank.Main;
import org.countersign.samplebank.SampleBank;
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
            System.err.println("give --api-key, or --admin-key to create the samplebank tenant");
            return 2;
        }
        SampleBank bank = Main.launch(verifier, ca, apiKey, adminKey, port);
        Runtime.getRuntime().addShutdownHook(new Thread(bank::close));
        System.out.println("Sample Bank is serving http://localhost:" + bank.port() + "/  (verifier " + verifier + ")");
        Thread.currentThread().join();
        return 0;
    }
}
