"""A real model for the client tests."""

import mlflow.pyfunc


class EchoModel(mlflow.pyfunc.PythonModel):
    """A real pyfunc model: returns its input."""

    def predict(self, context, model_input: list[str], params=None) -> list[str]:
        return model_input
