"""Stand-In (WeChatCV/Stand-In): a face picture kept in a Wan 2.1 T2V 14B video (standin.py: the model's
changes; standin_node.py: the node)."""
