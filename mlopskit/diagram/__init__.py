"""The architecture of one deployment: its model (``model``), built from the recorded graph
(``build``), and drawn as a self-contained SVG (``render``).

Nothing is re-exported here, so building the model never imports the drawing.
"""
