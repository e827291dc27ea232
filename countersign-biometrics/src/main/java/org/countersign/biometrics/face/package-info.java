/**
 * Face biometrics: quality-gated templates and comparison ({@link org.countersign.biometrics.face.FaceEngine}),
 * per-frame liveness signals ({@link org.countersign.biometrics.face.FaceAnalyzer#analyse}), and single-image
 * presentation-attack scores ({@link org.countersign.biometrics.face.FacePad}).
 *
 * <p>Pipeline: decode with {@code javax.imageio} under a pixel budget; UltraFace-style detection with a padded
 * second pass for tight crops; 68 landmarks; five-point similarity alignment to the ArcFace 112×112 template;
 * 512-d embedding, L2-normalised, cosine score. Template layout: {@link org.countersign.biometrics.face.FaceTemplates}.
 * Everything under {@code .internal} is implementation and may change without notice.
 */
package org.countersign.biometrics.face;
