"""The room: the conversation as a web page for each participant of a training room, one server for everyone."""
