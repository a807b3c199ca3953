"""The same spec on every cloud, side by side: the comparison's model (``model``), how it is
computed (``run``) and its renderings (``render``: terminal table, JSON, Markdown; HTML in
``mlopskit.report_html``).

Nothing is re-exported here, so computing a comparison never imports a renderer.
"""
