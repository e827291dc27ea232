package org.countersign.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import java.net.URISyntaxException;
import java.util.Set;
import org.countersign.biometrics.api.BiometricEngine;
import org.countersign.core.bytes.ByteArray;
import org.junit.jupiter.api.Test;

/** The protocol and biometric cores stay free of web frameworks and JDBC (DESIGN.md: library first). */
class LayeringTest {
    private static final String[] FORBIDDEN = {
        "io.javalin..", "org.eclipse.jetty..", "jakarta.servlet..", "javax.servlet..", "java.sql..", "javax.sql..",
        "org.flywaydb..", "com.zaxxer..", "org.postgresql..", "io.zonky..", "org.countersign.server..",
        "org.countersign.cli..", "org.countersign.agent.."
    };

    // Imported once for the class, and only from the two modules' own class folders or jars: importing by package
    // name would scan every jar on the CLI's class path.
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importLocations(Set.of(moduleOf(ByteArray.class), moduleOf(BiometricEngine.class)));

    private static Location moduleOf(Class<?> type) {
        try {
            return Location.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void coreUsesNoWebFrameworkAndNoJdbc() {
        noClasses().that().resideInAPackage("org.countersign.core..")
                .should().dependOnClassesThat().resideInAnyPackage(FORBIDDEN)
                .check(CLASSES);
    }

    @Test
    void biometricsUsesNoWebFrameworkAndNoJdbc() {
        noClasses().that().resideInAPackage("org.countersign.biometrics..")
                .should().dependOnClassesThat().resideInAnyPackage(FORBIDDEN)
                .allowEmptyShould(true)
                .check(CLASSES);
    }
}
