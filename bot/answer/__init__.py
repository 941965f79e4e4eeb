"""The answer logic: from ranked candidates to an Answer a member reads.

`compose` picks what is quoted; `reader` is the trained model that reads a question and a
passage together. Faces import from here, never from the modules inside.
"""

from bot.answer.compose import (
    Answer,
    Citation,
    QuestionError,
    Statement,
    abstain,
    compose,
    nothing_found,
    supported,
    validate_question,
)

__all__ = ["Answer", "Citation", "QuestionError", "Statement", "abstain", "compose",
           "nothing_found", "supported", "validate_question"]
